"""Nothing lost, nothing mixed, and a clear answer to every bad input.

Fault injection (a failure or a kill between file moves, during writing), runs into a
folder that holds results, two runs into one folder, every float of the schema set to NaN
and infinity and every ranged number pushed out of its range, broken territory files,
misspelt keys, and killed sweeps and dashboards: each case asserts the message, the exit
code where there is one, and that nothing was written, mixed or lost.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hydra.errors import ConfigCompositionException, MissingConfigException

from akimsim import AkimModel, ReformStep, RegimeName, RegimesConfig, Tier, toy_config
from akimsim import io as akio
from akimsim.config import (
    ConfigError,
    ConfigWarning,
    RunConfig,
    TerritoryConfig,
    TerritorySource,
    validate,
)
from akimsim.config.bounds import INT64_MAX
from akimsim.config.validate import numbers
from akimsim.edge import sweep
from akimsim.edge.hydra import _compose, explain
from akimsim.io import FolderBusy, OutputError, check_complete, read_results
from akimsim.runner import run_and_write
from akimsim.world import TerritoryError, load_territory_file
from akimsim.world.population import check_memory

_SCRIPT = Path(sys.executable).with_name("akimsim")
AKIMSIM = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "akimsim"]
ENV = {**os.environ, "PYTHONWARNINGS": "ignore"}
ENV.pop("HYDRA_FULL_ERROR", None)
ENV.pop("AKIMSIM_THREADS", None)


def small(seed: int = 0, **output):
    cfg = toy_config(seed)
    cfg.end_year = 2015
    cfg.output.progress = False
    cfg.output.figures = False
    for k, v in output.items():
        setattr(cfg.output, k, v)
    return cfg


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --------------------------------------------------------------------------- values

def set_path(cfg, path: str, value) -> None:
    """Set a dotted field path (with [i] for list items) of a config."""
    obj = cfg
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    for part in parts[:-1]:
        obj = obj[int(part[1:-1])] if part.startswith("[") else getattr(obj, part)
    setattr(obj, parts[-1], value)


def bad_values():
    """(path, bad value) for every number of the schema: NaN and infinities for floats
    (-inf only where it is not meaningful), and just outside every declared range."""
    cases = []
    for path, value, bounds in numbers(RunConfig()):
        if isinstance(value, float) or (bounds is not None and not bounds.integer):
            cases += [(path, math.nan), (path, math.inf)]
            if bounds is None or not bounds.neg_inf:
                cases.append((path, -math.inf))
        else:
            cases.append((path, INT64_MAX + 1))
        if bounds is not None:
            step = 1 if bounds.integer else 0.5
            if bounds.lo is not None:
                cases.append((path, bounds.lo if bounds.lo_open else bounds.lo - step))
            if bounds.hi is not None:
                cases.append((path, bounds.hi if bounds.hi_open else bounds.hi + step))
    return cases


def test_the_default_config_is_valid_and_every_number_has_bounds():
    validate(RunConfig())
    missing = [p for p, _, b in numbers(RunConfig()) if b is None]
    assert missing == []


@pytest.mark.parametrize(("path", "value"), bad_values(), ids=lambda x: str(x))
def test_every_bad_number_is_refused_naming_the_field(path, value):
    cfg = RunConfig()
    set_path(cfg, path, value)
    with pytest.raises(ConfigError) as info:
        validate(cfg)
    message = str(info.value)
    assert message.startswith(f"{path} = "), message
    assert "is invalid: expected" in message


def test_minus_infinity_means_no_against_all_line():
    cfg = RunConfig()
    cfg.behaviour.voters.against_all_utility = -math.inf
    validate(cfg)


# --------------------------------------------------------------------------- reform steps

def test_a_step_outside_the_years_is_an_error_or_a_warning():
    cfg = small()
    cfg.regimes = RegimesConfig(schedule=[ReformStep(year=-5, tier=Tier.rural)])
    with pytest.raises(ConfigError, match=r"regimes.schedule\[0\].year = -5 is invalid"):
        AkimModel(cfg)
    cfg.regimes = RegimesConfig(schedule=[ReformStep(year=2100, tier=Tier.rural)])
    with pytest.warns(ConfigWarning, match=r"regimes.schedule\[0\] \(2100: rural -> direct\) "
                                            "falls after end_year 2015 and never applies"):
        AkimModel(cfg)
    # a step that leaves less than one term before the last year is named
    cfg.regimes = RegimesConfig(schedule=[ReformStep(year=2013, tier=Tier.rural),
                                          ReformStep(year=2012, tier=Tier.district)])
    cfg.start_year, cfg.end_year = 2012, 2015
    with pytest.warns(ConfigWarning, match=r"regimes.schedule\[0\] \(2013: rural -> direct\) "
                                            r"leaves 2 year\(s\) to end_year 2015, less than "
                                            r"one 4-year term.*end_year=2017 or later"):
        AkimModel(cfg)
    cfg.end_year = 2017  # one whole term: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConfigWarning)
        AkimModel(cfg)
    cfg.start_year, cfg.end_year = 2013, 2015
    # a step before the first year applies at the start (documented, no warning)
    cfg.start_year, cfg.end_year = 2019, 2020
    cfg.regimes = RegimesConfig(schedule=[ReformStep(year=2013, tier=Tier.rural,
                                                     regime=RegimeName.indirect)])
    model = AkimModel(cfg)
    rural = model.territory.units_of(Tier.rural)
    assert {model.regime_of(int(u)) for u in rural} == {RegimeName.indirect}


def test_a_step_naming_more_units_than_the_tier_has_warns_and_switches_all():
    cfg = small()
    cfg.end_year = 2024
    with pytest.warns(ConfigWarning, match=r"regimes.schedule\[2\] switches 45 district "
                                            "units to direct in 2023, but the territory has 1"):
        model = AkimModel(cfg).run()
    district = model.territory.units_of(Tier.district)
    assert {model.regime_of(int(u)) for u in district} == {RegimeName.direct}


def test_an_unknown_tier_in_a_step_names_the_step_and_the_allowed_values():
    with pytest.raises(ConfigCompositionException) as info:
        _compose(["regimes.schedule.0.tier=county"])
    assert explain(info.value) == (
        "regimes.schedule[0].tier: Invalid value 'county', expected one of "
        "[region, district, rural]")


@pytest.mark.parametrize(("override", "suggestion"), [
    ("seeed=1", "did you mean 'seed'?"),
    ("end_yaer=2016", "did you mean 'end_year'?"),
    ("behaviour.voters.voter_sdd=1", "did you mean 'behaviour.voters.voter_sd'"),
    ("output.colour=red", "(the keys of output are: figures, progress, overwrite)"),
    ("territory=atlantis", "the options of territory are: kazakhstan, kazakhstan_sample"),
])
def test_a_misspelt_key_or_option_gets_the_closest_valid_ones(override, suggestion):
    with pytest.raises((ConfigCompositionException, MissingConfigException)) as info:
        _compose([override])
    message = explain(info.value)
    assert message is not None
    assert suggestion in message
    assert "+" + override not in message  # no advice to append a new key


# --------------------------------------------------------------------------- memory

def test_a_run_that_cannot_fit_in_memory_is_refused_before_allocating():
    with pytest.raises(ConfigError, match=r"1,000,000,000 voters needs about 100.5 GB .* but "
                                          r"2.0 GB is available"):
        check_memory(10**9, available=2 * 10**9)
    check_memory(10**6, available=2 * 10**9)
    cfg = small()
    cfg.territory = TerritoryConfig(source=TerritorySource.synthetic, voters_per_village=10**10)
    with pytest.raises(ConfigError, match=r"lower territory\.scale"):
        AkimModel(cfg)
    cfg.territory = TerritoryConfig(source=TerritorySource.synthetic, voters_per_village=2**62)
    with pytest.raises(ConfigError, match="a synthetic territory whose voters fit in int64"):
        AkimModel(cfg)


# --------------------------------------------------------------------------- territory files

def test_broken_territory_files_are_named(tmp_path):
    with pytest.raises(TerritoryError, match="is a folder, not a CSV file"):
        load_territory_file(tmp_path)
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("unit_id,name,tier,parent_id,voters\nR,Qaraǵandy,region,,5\n"
                      .encode().replace("ǵ".encode(), b"\xe9"))
    with pytest.raises(TerritoryError, match=r"latin1.csv: not UTF-8 text \(byte 0xe9 at "
                                             r"position \d+\); save the table as UTF-8"):
        load_territory_file(latin)
    huge = tmp_path / "huge.csv"
    huge.write_text(f"unit_id,name,tier,parent_id,voters\nR,Region,region,,{10**30}\n")
    with pytest.raises(TerritoryError, match=r"line 2 \(unit 'R'\): column 'voters' = .*; "
                                             "expected at most 1,000,000,000,000"):
        load_territory_file(huge)


# --------------------------------------------------------------------------- result folders

def test_a_folder_with_results_is_refused_before_any_work(tmp_path, monkeypatch):
    run_and_write(small(1), tmp_path)
    before = files(tmp_path)
    built = []
    monkeypatch.setattr(AkimModel, "__init__", lambda *a, **k: built.append(1))
    with pytest.raises(OutputError, match=r"already holds complete results: contests.parquet, "
                                          r"councils.parquet, manifest.json.*"
                                          r"output.overwrite=true"):
        run_and_write(small(2), tmp_path)
    assert built == []  # refused before the model was built
    assert files(tmp_path) == before


def test_a_users_own_table_is_not_replaced(tmp_path):
    mine = tmp_path / "contests.parquet"
    pd.DataFrame({"mine": [1]}).to_parquet(mine)
    before = mine.read_bytes()
    with pytest.raises(OutputError, match=r"holds result files \(not a complete set\): "
                                          "contests.parquet"):
        run_and_write(small(), tmp_path)
    assert mine.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contests.parquet"]


def test_overwrite_replaces_the_old_set_whole(tmp_path):
    run_and_write(small(1, figures=True), tmp_path)
    assert (tmp_path / "timeline.png").is_file()
    run_and_write(small(2, overwrite=True), tmp_path)  # no figure this time
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "contests.parquet", "councils.parquet", "manifest.json", "offices.parquet",
        "summary.parquet"]
    assert check_complete(tmp_path) == (True, "complete")
    assert json.loads((tmp_path / "manifest.json").read_text())["seed"] == 2


def _write_failing(monkeypatch, fail_at: int):
    """Make the ``fail_at``-th move into place fail, as a kill at that moment would."""
    real, moves = os.replace, []

    def flaky(src, dst):
        moves.append(Path(dst).name)
        if len(moves) == fail_at:
            raise KeyboardInterrupt("killed between moves")
        return real(src, dst)

    monkeypatch.setattr(akio.os, "replace", flaky)
    return moves


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_a_kill_between_moves_leaves_no_manifest_over_foreign_files(tmp_path, monkeypatch,
                                                                    fail_at):
    run_and_write(small(1), tmp_path)
    old = files(tmp_path)
    moves = _write_failing(monkeypatch, fail_at)
    with pytest.raises(KeyboardInterrupt):
        run_and_write(small(2, overwrite=True), tmp_path)
    monkeypatch.undo()
    assert moves[-1] != "manifest.json"
    complete, reason = check_complete(tmp_path)
    assert not complete
    assert reason == "no manifest.json"  # the old commit marker was withdrawn first
    with pytest.raises(OutputError, match="does not hold complete akimsim results"):
        read_results(tmp_path)
    assert not list(tmp_path.glob(".akimsim-partial-*"))
    assert not (tmp_path / ".akimsim.lock").exists()
    assert set(files(tmp_path)) <= set(old)
    # the next run refuses the half-replaced set without overwrite, and repairs it with it
    with pytest.raises(OutputError, match="not a complete set"):
        run_and_write(small(3), tmp_path)
    run_and_write(small(3, overwrite=True), tmp_path)
    assert check_complete(tmp_path)[0]
    assert read_results(tmp_path)["summary"].shape[0] > 0


KILLED_WRITER = """
import os, sys, time
from akimsim import toy_config
from akimsim.runner import run_and_write
real, moves = os.replace, []
def slow(src, dst):
    moves.append(dst)
    if len(moves) == 2:  # one new table is in place: be killed now
        print("moving", flush=True)
        time.sleep(120)
    return real(src, dst)
os.replace = slow
cfg = toy_config(2)
cfg.end_year, cfg.output.progress, cfg.output.figures = 2015, False, False
cfg.output.overwrite = True
run_and_write(cfg, sys.argv[1])
"""


@pytest.mark.process
def test_a_run_killed_while_moving_files_in_is_repaired_by_the_next(tmp_path):
    """A real SIGKILL in the middle of moving the new files in (no cleanup runs): the old
    manifest is gone, so the folder is incomplete; the next run into it removes the
    temporary folder and the dead run's lock even as it refuses the half-replaced set,
    and a run with overwrite writes a complete set."""
    run_and_write(small(1), tmp_path)
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(tmp_path)],
                              env=ENV, stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "moving"
    writer.kill()
    writer.wait(timeout=30)
    writer.stdout.close()
    assert check_complete(tmp_path) == (False, "no manifest.json")
    assert list(tmp_path.glob(".akimsim-partial-*"))
    assert (tmp_path / ".akimsim.lock").exists()
    with pytest.raises(OutputError, match="not a complete set"):
        run_and_write(small(3), tmp_path)  # refused, but the leftovers are gone already
    assert not list(tmp_path.glob(".akimsim-partial-*"))
    assert not (tmp_path / ".akimsim.lock").exists()
    run_and_write(small(3, overwrite=True), tmp_path)
    assert check_complete(tmp_path) == (True, "complete")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "contests.parquet", "councils.parquet", "manifest.json", "offices.parquet",
        "summary.parquet"]


def test_a_full_disk_is_one_line():
    message = explain(OSError(28, "No space left on device"))
    assert message == "cannot write the results: No space left on device"
    assert explain(RuntimeError("a bug")) is None  # a bug keeps its traceback


def test_a_failure_while_writing_leaves_the_old_set_whole(tmp_path, monkeypatch):
    run_and_write(small(1), tmp_path)
    old = files(tmp_path)
    calls = {"n": 0}
    real = akio.write_parquet

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(akio, "write_parquet", failing)
    with pytest.raises(OSError, match="No space left"):
        run_and_write(small(2, overwrite=True), tmp_path)
    assert files(tmp_path) == old  # nothing was touched before all files existed
    assert check_complete(tmp_path)[0]


def test_a_live_lock_refuses_a_second_run_and_a_dead_one_is_taken_over(tmp_path):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock = {"pid": other.pid, "host": socket.gethostname(),
                "pid_start": akio._process_start(other.pid), "since_utc": "2026-12-01T10:00",
                "command": ["akimsim", "seed=9"]}
        (tmp_path / ".akimsim.lock").write_text(json.dumps(lock))
        with pytest.raises(FolderBusy, match=rf"being written by another akimsim run \(pid "
                                             rf"{other.pid} on .*akimsim seed=9\)"):
            run_and_write(small(), tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == [".akimsim.lock"]
    finally:
        other.kill()
        other.wait()
    (tmp_path / ".akimsim-partial-dead").mkdir()
    result = run_and_write(small(), tmp_path)  # the holder is gone: its lock is stale
    assert result["cleaned"] == [".akimsim-partial-dead"]
    assert check_complete(tmp_path)[0]
    assert not (tmp_path / ".akimsim.lock").exists()


def test_an_unusable_folder_is_found_before_the_simulation(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="a file is in the way"):
        run_and_write(small(), blocker / "below")
    with pytest.raises(OutputError, match="a file is in the way"):
        run_and_write(small(), blocker)
    real = os.open

    def read_only(path, flags, *args):
        if str(path).endswith(".akimsim.lock"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, flags, *args)

    monkeypatch.setattr(akio.os, "open", read_only)
    built = []
    monkeypatch.setattr(AkimModel, "__init__", lambda *a, **k: built.append(1))
    with pytest.raises(OutputError, match=r"cannot write to the output folder .*permission "
                                          r"denied"):
        run_and_write(small(), tmp_path / "ro")
    assert built == []


# --------------------------------------------------------------------------- collect

def test_collect_reports_a_damaged_table_and_collects_the_rest(tmp_path):
    for i in range(3):
        run_and_write(small(i), tmp_path / str(i),
                      extra_manifest={"sweep": sweep.job_record([f"seed={i}"])})
    damaged = tmp_path / "1" / "summary.parquet"
    data = bytearray(damaged.read_bytes())
    data[100:200] = b"x" * 100
    damaged.write_bytes(bytes(data))
    frames = sweep.collect(tmp_path, ["summary"], verify_checksums=False)
    jobs = frames["jobs"].set_index("job")
    assert jobs.loc["1", "status"] == "incomplete"
    assert jobs.loc["1", "error"].startswith("unreadable table")
    assert set(frames["summary"]["job"]) == {"0", "2"}
    frames = sweep.collect(tmp_path, ["summary"])  # with checksums the damage is named
    assert frames["jobs"].set_index("job").loc["1", "error"] == (
        "summary.parquet does not match its checksum")


def test_collect_takes_seeds_of_any_size(tmp_path):
    run_and_write(small(0), tmp_path / "0", extra_manifest={"sweep": sweep.job_record(["seed=0"])})
    big = str(10**22)
    sweep.write_failure(tmp_path / "1", ConfigError(f"seed = {big} is invalid"),
                        sweep.job_record([f"seed={big}"]))
    frames = sweep.collect(tmp_path, ["summary"], out=tmp_path / "collected")
    assert list(frames["jobs"]["seed"].astype(str)) == ["0", big]
    assert (tmp_path / "collected" / "jobs.parquet").is_file()


# --------------------------------------------------------------------------- the dashboard

@pytest.mark.parametrize(("args", "needle"), [
    (["--port", "99999"], "99999 is not a port number (0-65535)"),
    (["--port", "http"], "'http' is not a port number"),
    (["--host", "10.255.255.1", "--no-browser"], "cannot listen on 10.255.255.1:8765"),
    (["--start-year", "-5"], "--start-year -5 must be in 1900-2200"),
])
def test_dashboard_arguments_are_checked(args, needle, capsys):
    from akimsim.edge import dashboard

    try:
        code = dashboard.main(args)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err


# --------------------------------------------------------------------------- the command line

def akimsim(*args, cwd, env=None):
    return subprocess.run([*AKIMSIM, *args], capture_output=True, text=True, cwd=cwd,
                          env={**ENV, **(env or {})}, timeout=300, check=False)


@pytest.mark.process
@pytest.mark.parametrize(("args", "env", "needle"), [
    (["end_yaer=2016"], {}, "did you mean 'end_year'?"),
    (["behaviour.voters.admin_support=nan"], {},
     "behaviour.voters.admin_support = nan is invalid: expected a finite number"),
    (["hydra.run.dir=FILE/below"], {}, "a file is in the way"),
    (["hydra.run.dir=FULL"], {}, "already holds complete results"),
    (["territory.source=csv", "territory.path=LATIN"], {}, "not UTF-8 text"),
    ([], {"AKIMSIM_THREADS": "abc"}, "AKIMSIM_THREADS='abc' is invalid: expected a positive"),
], ids=["misspelt key", "nan", "below a file", "holds results", "not utf-8", "threads env"])
def test_a_user_error_is_one_line_and_exit_status_2(tmp_path, args, env, needle):
    full = tmp_path / "full"
    run_and_write(small(), full)
    (tmp_path / "FILE").write_text("x")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"unit_id,name,tier,parent_id,voters\nR,Qarag\xe9ndy,region,,5\n")
    args = [a.replace("FILE", str(tmp_path / "FILE")).replace("FULL", str(full))
            .replace("LATIN", str(latin)) for a in args]
    if not any(a.startswith("hydra.run.dir") for a in args):
        args.append(f"hydra.run.dir={tmp_path / 'out'}")
    before = files(full)
    proc = akimsim("territory=toy", "end_year=2015", *args, cwd=tmp_path, env=env)
    assert proc.returncode == 2, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("akimsim: error")]
    assert len(errors) == 1, proc.stderr
    assert needle in errors[0]
    assert "Traceback" not in proc.stderr
    assert files(full) == before
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.process
def test_a_sweep_whose_jobs_fail_validation_says_so_in_lines_without_a_traceback(tmp_path):
    sweep_dir = tmp_path / "sweep"
    proc = akimsim("-m", "territory=toy", "end_year=2015", "seed=0,1",
                   "behaviour.voters.voter_sd=-1", f"hydra.sweep.dir={sweep_dir}", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    jobs = [line for line in proc.stderr.splitlines() if line.startswith("akimsim: error in job")]
    assert len(jobs) == 2
    assert all("behaviour.voters.voter_sd = -1.0 is invalid" in line for line in jobs)
    assert proc.stderr.strip().splitlines()[-1].startswith(
        "akimsim: error: a sweep job failed (the other jobs ran")
    assert len(list(sweep_dir.glob("*/failed.json"))) == 2
    assert not list(sweep_dir.glob("*/manifest.json"))


@pytest.mark.process
def test_debug_shows_the_traceback(tmp_path):
    proc = akimsim("territory=toy", "--debug", "behaviour.voters.voter_sd=-1",
                   f"hydra.run.dir={tmp_path / 'out'}", cwd=tmp_path)
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr
    assert "behaviour.voters.voter_sd = -1.0 is invalid" in proc.stderr


@pytest.mark.process
def test_two_runs_into_one_folder_at_once_one_wins_whole(tmp_path):
    out = tmp_path / "both"
    runs = [subprocess.Popen([*AKIMSIM, "territory=toy", f"seed={s}", "end_year=2016",
                              "output.progress=false", f"hydra.run.dir={out}"],
                             cwd=tmp_path, env=ENV, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True) for s in (1, 2)]
    results = []
    for p in runs:
        _, err = p.communicate(timeout=300)
        results.append((p.returncode, err))
    codes = sorted(code for code, _ in results)
    if codes == [0, 0]:  # one finished before the other started: the second was refused?
        pytest.fail("both runs succeeded into one folder")
    assert codes == [0, 2], results
    loser = next(err for code, err in results if code == 2)
    assert ("being written by another akimsim run" in loser
            or "already holds complete results" in loser), loser
    assert check_complete(out)[0]
    winner_seed = next(s for (code, _), s in zip(results, (1, 2), strict=True) if code == 0)
    assert json.loads((out / "manifest.json").read_text())["seed"] == winner_seed


def _running(marker: str) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines()
            if marker in line and "ps -eo" not in line]


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid,ppid"], capture_output=True, text=True).stdout
    rows = [tuple(map(int, line.split())) for line in out.splitlines()[1:] if line.strip()]
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [p for p, pp in rows if pp == parent]
        found += kids
        frontier += kids
    return found


def _alive(pids: list[int]) -> list[int]:
    left = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                continue  # a zombie has ended; only its parent's wait is missing
        left.append(pid)
    return left


@pytest.mark.process
@pytest.mark.parametrize("how", [
    signal.SIGKILL, signal.SIGTERM,
    # SIGINT takes SIGTERM's path (both raise KeyboardInterrupt): make test-slow runs it
    pytest.param(signal.SIGINT, marks=pytest.mark.slow)],
    ids=["SIGKILL", "SIGTERM", "SIGINT"])
def test_a_killed_joblib_sweep_leaves_no_process_and_resumes(tmp_path, how):
    sweep_dir = tmp_path / "sweep"
    args = ["-m", "territory=toy", "end_year=2016", "output.progress=false",
            "output.figures=false", "seed=range(0,40)", "hydra/launcher=joblib",
            "hydra.launcher.n_jobs=2", f"hydra.sweep.dir={sweep_dir}"]
    main = subprocess.Popen([*AKIMSIM, *args], cwd=tmp_path, env=ENV, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while len([d for d in sweep_dir.glob("*") if (d / "manifest.json").exists()]) < 2:
        assert time.monotonic() < deadline, "the sweep made no progress"
        assert main.poll() is None, "the sweep ended early"
        time.sleep(0.1)
    workers = _children(main.pid)
    assert len(workers) >= 2  # the loky workers and resource trackers
    main.send_signal(how)
    main.wait(timeout=60)
    deadline = time.monotonic() + 30
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _alive(workers) == [], f"left running after {how.name}: {_alive(workers)}"
    done = [d.name for d in sweep_dir.glob("*") if check_complete(d)[0]]
    again = subprocess.run([*AKIMSIM, *args], cwd=tmp_path, env=ENV, capture_output=True,
                           text=True, timeout=600, check=False)
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.stdout.count("already complete") >= len(done)
    assert all(check_complete(sweep_dir / str(i))[0] for i in range(40))


@pytest.mark.slow
def test_a_killed_ray_sweep_leaves_no_process(tmp_path):
    """Ray's workers end with the driver (their jobs watch it); Ray's own agents notice
    that their raylet is gone and exit by themselves, within about a minute."""
    pytest.importorskip("hydra_plugins.hydra_ray_launcher")
    sweep_dir = tmp_path / "sweep"
    args = ["-m", "territory=toy", "end_year=2016", "output.progress=false",
            "output.figures=false", "seed=range(0,40)", "hydra/launcher=ray",
            "hydra.launcher.ray.init.address=local", "+hydra.launcher.ray.init.num_cpus=2",
            "+hydra.launcher.ray.init.include_dashboard=false", f"hydra.sweep.dir={sweep_dir}"]
    env = {**ENV, "RAY_USAGE_STATS_ENABLED": "0"}
    main = subprocess.Popen([*AKIMSIM, *args], cwd=tmp_path, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while len([d for d in sweep_dir.glob("*") if (d / "manifest.json").exists()]) < 2:
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.2)
    ray = _children(main.pid)
    main.kill()
    main.wait(timeout=60)
    deadline = time.monotonic() + 150
    while _alive(ray) and time.monotonic() < deadline:
        time.sleep(1)
    assert _alive(ray) == []


@pytest.mark.process
def test_a_killed_dashboard_launcher_takes_its_server_along(tmp_path):
    from akimsim.edge.dashboard import free_port

    port = free_port()
    launcher = subprocess.Popen([*AKIMSIM, "dashboard", "--port", str(port), "--no-browser"],
                                cwd=tmp_path, env=ENV, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not _children(launcher.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    servers = _children(launcher.pid)
    assert servers, "the dashboard's server never started"
    time.sleep(2)
    launcher.kill()
    launcher.wait(timeout=30)
    deadline = time.monotonic() + 30
    while _alive(servers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _alive(servers) == []


def test_an_analysis_script_reports_a_missing_sweep_in_one_line(tmp_path, capsys):
    from akimsim.edge.experiments import load_sweep, run_script

    with pytest.raises(SystemExit) as info:
        run_script(lambda: load_sweep(str(tmp_path / "nowhere")))
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.strip().endswith(f"error: {tmp_path / 'nowhere'} does not exist")
    (tmp_path / "sweep" / "0").mkdir(parents=True)
    (tmp_path / "sweep" / "0" / "job.json").write_text("{}")
    with pytest.raises(SystemExit):
        run_script(lambda: load_sweep(str(tmp_path / "sweep")))
    assert "no complete job to analyse" in capsys.readouterr().err

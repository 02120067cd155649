"""Every command of the README and the docs runs verbatim.

The ```bash blocks of README.md, notebooks/README.md and docs/*.md are read, and each
command (continuation lines joined) is run by bash as written, from a workspace that
looks like a fresh checkout (the project's files linked or copied into a temporary
folder, with `.venv/bin` on the PATH for the blocks that write `akimsim ...`). Commands
run in the order the file gives them, so a later one may use what an earlier one wrote.

Each command must be listed below with its class, so a command added to the docs
without being run here fails the listing test:

- ``fast``: run by ``make test`` (seconds each; the README's main examples);
- ``slow``: run by ``make test-slow`` (minutes: national sweeps, the analyst's
  comparison, an experiment's sweep; and the launcher tour of docs/sweeps.md, whose
  launchers ``tests/test_sweep.py`` runs in ``make test``);
- ``hours``: runs from twenty minutes (the kernel benchmark on every voter) to hours (a
  calibration's budget, Sobol samples) by design: run only with
  ``AKIMSIM_DOCS_HOURS=1 make test-slow``;
- ``server``: starts a server; ``make test-slow`` starts it, waits until its page
  answers, then stops it;
- ``never``: with the reason (``make test`` is this suite).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: the files whose commands run, grouped by the workspace they share (in order)
GROUPS: dict[str, tuple[str, ...]] = {
    "readme": ("README.md", "docs/index.md", "docs/calibration.md", "docs/performance.md",
               "docs/dashboard.md"),
    "sweeps": ("docs/sweeps.md",),
    "notebooks": ("notebooks/README.md",),
}

FAST, SLOW, HOURS, SERVER = "fast", "slow", "hours", "server"

#: every command of the docs (comments after two spaces and ``#`` dropped) and its class
COMMANDS: dict[str, str] = {
    # README.md
    "make run": FAST,
    "make test": "never: it is this test suite",
    ".venv/bin/akimsim territory=toy seed=7 hydra.run.dir=out/toy": FAST,
    ".venv/bin/akimsim regimes.rural=appointment territory=kazakhstan_sample": SLOW,
    ".venv/bin/akimsim regimes=all_direct territory=kazakhstan_sample": SLOW,
    ".venv/bin/akimsim rule.district=two_round territory=kazakhstan_sample": SLOW,
    ".venv/bin/akimsim behaviour.voters.admin_support=0 rule.against_all_wins=appoint_acting "
    "territory=toy": FAST,
    ".venv/bin/akimsim --cfg job": FAST,
    ".venv/bin/akimsim territory=kazakhstan_sample end_year=2031 'regimes.add=[{year:2025,"
    "tier:district,regime:null,rule:two_round},{year:2027,tier:region,regime:direct}]'": FAST,
    ".venv/bin/akimsim --config-dir examples/scenarios scenario=reform_2025_2027 "
    "territory=toy": FAST,
    ".venv/bin/akimsim compare --scenario \"'regimes.add=[{year:2025,tier:district,"
    "regime:null,rule:two_round},{year:2027,tier:region,regime:direct}]'\" --name reform "
    "--sweep behaviour.voters.admin_support=0,1.2,2.4 --seeds 5 --years 2025-2030 --jobs 2 "
    "--out results/reform": SLOW,
    ".venv/bin/akimsim report results/reform --years 2027-2030": SLOW,
    ".venv/bin/akimsim -m territory=toy seed=0,1 regimes.rural=indirect,direct "
    "output.progress=false hydra.sweep.dir=multirun/demo": FAST,
    ".venv/bin/akimsim -m territory=toy seed=0,1 regimes.rural=indirect,direct "
    "output.progress=false hydra.sweep.dir=multirun/demo hydra/launcher=joblib "
    "hydra.launcher.n_jobs=2": SLOW,
    ".venv/bin/akimsim collect multirun/demo": FAST,
    ".venv/bin/akimsim -m experiment=regime_comparison": SLOW,
    ".venv/bin/python experiments/regime_comparison/analyze.py multirun/regime_comparison":
        SLOW,
    "akimsim validate territory.scale=0.1 --seeds 10": SLOW,
    "akimsim validate --run results/main": SLOW,
    "akimsim calibrate territory.scale=0.1 --params behaviour --seeds 8 --budget 3600": HOURS,
    "akimsim sensitivity --samples 32 --seeds 2": HOURS,
    "akimsim validate --list-metrics": FAST,
    "make dashboard": SERVER,
    ".venv/bin/akimsim dashboard --port 8765 --no-browser --start-year 2019 "
    "--end-year 2030": SERVER,
    # docs/calibration.md
    "akimsim -m territory.scale=0.1 seed=0,1,2 output.figures=false "
    "hydra.sweep.dir=multirun/seeds": SLOW,
    "akimsim validate --run multirun/seeds": SLOW,
    "akimsim validate territory.scale=0.1 --seeds 4 --targets src/akimsim/data/targets.yaml "
    "--role validation": SLOW,
    "akimsim calibrate --params kazakhstan --seeds 8 --budget 2400": HOURS,
    "akimsim calibrate territory.scale=0.1 --params kazakhstan --budget 2000": HOURS,
    "akimsim calibrate --params behaviour.voters.admin_support=0:3,"
    "behaviour.voters.propensity_logit_mean=-1:3": HOURS,
    "akimsim calibrate --list-params": FAST,
    "akimsim sensitivity --method morris --trajectories 10": HOURS,
    "akimsim sensitivity --samples 64 --seeds 2": HOURS,
    "akimsim sensitivity behaviour=calibrated --only regime_comparison": HOURS,
    # docs/performance.md
    "make install": FAST,
    ".venv/bin/python benchmarks/bench_kernels.py --out /tmp/kernels_new2.json": HOURS,
    ".venv/bin/python benchmarks/render_performance.py": SLOW,
    # docs/sweeps.md
    "akimsim -m territory=toy seed=0,1 regimes.rural=indirect,direct "
    "hydra.sweep.dir=multirun/demo": SLOW,
    "akimsim collect multirun/demo": SLOW,
    "akimsim -m seed='range(0,10)' rule=plurality,two_round territory=synthetic_region": SLOW,
    "akimsim -m behaviour.voters.admin_support=0,0.5,1 regimes.district=appointment,direct "
    "territory=toy": SLOW,
    "akimsim -m +sweep=seeds territory=toy regimes.rural=indirect,direct": SLOW,
    "akimsim -m +sweep=seeds \"hydra.sweeper.params.seed='range(0,3)'\" territory=toy "
    "hydra.sweep.dir=multirun/seeds3": SLOW,
    "akimsim -m seed=0,1,2 territory=toy hydra.sweep.dir=multirun/seq": SLOW,
    "akimsim -m seed='range(0,8)' hydra/launcher=joblib hydra.launcher.n_jobs=2 "
    "territory=toy output.progress=false hydra.sweep.dir=multirun/local": SLOW,
    "akimsim -m seed='range(0,8)' hydra/launcher=ray hydra.launcher.ray.init.address=local "
    "+hydra.launcher.ray.init.num_cpus=2 +hydra.launcher.ray.init.include_dashboard=false "
    "territory=toy output.progress=false hydra.sweep.dir=multirun/ray": SLOW,
    "akimsim collect multirun/demo --tables summary,contests,offices --out results/demo": SLOW,
    "akimsim collect multirun/demo --partial-ok": SLOW,
    # notebooks/README.md
    "make notebooks": SERVER,
    ".venv/bin/jupyter nbconvert --to notebook --execute notebooks/03_voting_rules.ipynb "
    "--output-dir /tmp": SLOW,
    ".venv/bin/python -m pytest tests/test_notebooks.py -q -k 03_voting_rules": SLOW,
    ".venv/bin/jupyter nbconvert --clear-output --inplace notebooks/*.ipynb": FAST,
}

#: what a server command serves, to wait for
SERVED = {"make dashboard": "http://127.0.0.1:8765/",
          ".venv/bin/akimsim dashboard --port 8765 --no-browser --start-year 2019 "
          "--end-year 2030": "http://127.0.0.1:8765/",
          "make notebooks": "http://127.0.0.1:8888/lab"}

#: linked into a workspace as they are (read only); the rest of what commands use is
#: copied, so what they write stays in the workspace
LINKED = (".venv", "src", "configs", "pyproject.toml", "Makefile", "examples", "scripts",
          "tests", "mkdocs.yml")
#: copied: scripts there find the repository from their own path and write beside it
#: (the benchmarks write docs/performance.md, an analysis its experiment's folder)
COPIED = ("experiments", "notebooks", "docs", "benchmarks")


def _strip(line: str) -> str:
    return re.sub(r"\s+#\s.*$", "", line).strip()


def doc_commands(path: Path) -> list[str]:
    """The commands of a Markdown file's ```bash blocks, continuations joined and
    trailing comments dropped (bash would drop them too)."""
    out = []
    for block in re.findall(r"```bash\n(.*?)```", path.read_text(encoding="utf-8"), re.S):
        joined = re.sub(r"\\\n\s*", "", block)
        for line in joined.splitlines():
            cmd = _strip(line)
            if cmd and not cmd.startswith("#"):
                out.append(cmd)
    return out


def test_every_command_of_the_docs_is_listed_with_its_class():
    found = {cmd for files in GROUPS.values() for f in files for cmd in doc_commands(ROOT / f)}
    others = sorted({p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md")
                     if any(doc_commands(p))} - {f for fs in GROUPS.values() for f in fs})
    assert others == [], f"docs with commands not in GROUPS: {others}"
    missing = sorted(found - set(COMMANDS))
    assert missing == [], ("commands in the docs not listed in tests/test_docs_commands.py "
                           f"(give each a class): {missing}")
    stale = sorted(set(COMMANDS) - found)
    assert stale == [], f"listed commands no longer in the docs: {stale}"
    for cmd in found:
        assert "..." not in cmd, f"a placeholder in {cmd!r}"
        assert not re.search(r"\b[A-Z]{3,}(_[A-Z]+)*\b", cmd.replace("AKIMSIM", "")), \
            f"a placeholder in {cmd!r}"


def _workspace(tmp: Path) -> Path:
    ws = tmp / "checkout"
    ws.mkdir()
    for name in LINKED:
        if (ROOT / name).exists():
            (ws / name).symlink_to(ROOT / name)
    for name in COPIED:
        shutil.copytree(ROOT / name, ws / name, ignore=shutil.ignore_patterns(
            "__pycache__", "collected", ".ipynb_checkpoints"))
    shutil.copy(ROOT / "README.md", ws / "README.md")
    return ws


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONWARNINGS"] = "ignore"
    env["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    env["RAY_USAGE_STATS_ENABLED"] = "0"
    env.pop("MAKEFLAGS", None)
    return env


def _serve(cmd: str, ws: Path) -> None:
    """Start a server command, wait until its page answers, stop it."""
    proc = subprocess.Popen(["bash", "-c", cmd], cwd=ws, env=_env(), start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url, deadline = SERVED[cmd], time.monotonic() + 180
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    assert response.status == 200
                    return
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read() if proc.stdout else ""
                    pytest.fail(f"{cmd!r} did not serve {url}:\n{out[-3000:]}")
                time.sleep(1)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except ProcessLookupError:  # it had ended
            proc.wait()
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _run_group(group: str, classes: set[str], tmp: Path) -> list[str]:
    ws = _workspace(tmp)
    ran: list[str] = []
    for name in GROUPS[group]:
        for cmd in doc_commands(ROOT / name):
            kind = COMMANDS[cmd]
            if kind not in classes or cmd in ran:  # a page repeating a command: once
                continue
            if kind == SERVER:
                _serve(cmd, ws)
            else:
                proc = subprocess.run(["bash", "-c", cmd], cwd=ws, env=_env(),
                                      capture_output=True, text=True, timeout=7200,
                                      check=False)
                assert proc.returncode == 0, (
                    f"{name}: {cmd!r} exited {proc.returncode}:\n{proc.stdout[-2000:]}\n"
                    f"{proc.stderr[-3000:]}")
            ran.append(cmd)
    return ran


@pytest.mark.process
@pytest.mark.parametrize("group", list(GROUPS))
def test_the_fast_commands_of_the_docs_run_verbatim(group, tmp_path):
    ran = _run_group(group, {FAST}, tmp_path)
    assert ran or group == "sweeps"


@pytest.mark.slow
@pytest.mark.parametrize("group", list(GROUPS))
def test_every_command_of_the_docs_runs_verbatim(group, tmp_path):
    classes = {FAST, SLOW, SERVER}
    if os.environ.get("AKIMSIM_DOCS_HOURS") == "1":
        classes.add(HOURS)
    _run_group(group, classes, tmp_path)

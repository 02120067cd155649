"""What every experiment's ``analyze.py`` shares: its command line and loading its sweep.

An analysis script reads the jobs of one sweep (``akimsim -m experiment=NAME``) and
writes tables and figures; see ``experiments/README.md``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from akimsim.config import ConfigError
from akimsim.edge.hydra import planned_jobs
from akimsim.edge.sweep import SweepError, collect
from akimsim.io import OutputError


def load_sweep(sweep_dir: str, tables: Sequence[str] = ("contests", "offices")
               ) -> dict[str, pd.DataFrame]:
    """The collected tables of a sweep (complete jobs only), swept values as columns.

    Collects the job folders with :func:`akimsim.edge.sweep.collect` (checking the plan
    in ``multirun.yaml`` for jobs that never started) and writes them to
    ``<sweep_dir>/collected/`` as ``akimsim collect`` does. Raises ``FileNotFoundError``
    when the folder holds no complete job. Jobs that failed or are incomplete are left
    out with a warning on stderr.
    """
    result = collect(sweep_dir, tables=tuple(tables), out=Path(sweep_dir) / "collected",
                     planned=planned_jobs(sweep_dir))
    jobs = result.get("jobs")
    if jobs is not None and len(jobs):
        bad = jobs[jobs["status"] != "complete"]
        if len(bad):
            names = ", ".join(map(str, bad["job"]))
            print(f"warning: {len(bad)} of {len(jobs)} jobs are not complete and are left "
                  f"out: {names}", file=sys.stderr)
        if (jobs["status"] == "complete").sum() == 0:
            raise FileNotFoundError(f"{sweep_dir}: no complete job to analyse")
    return result


def analysis_arguments(description: str, default_out: str | Path,
                       argv: Sequence[str] | None = None,
                       extra: Callable[[argparse.ArgumentParser], None] | None = None,
                       ) -> tuple[argparse.Namespace, Path]:
    """The command line every ``experiments/*/analyze.py`` shares: ``SWEEP_DIR
    [--out DIR]`` (plus what ``extra`` adds). Returns the arguments and the output
    folder, created."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("sweep_dir", help="the sweep folder (hydra.sweep.dir)")
    parser.add_argument("--out", default=str(default_out),
                        help="where to write tables and figures (default: %(default)s)")
    if extra is not None:
        extra(parser)
    args = parser.parse_args(None if argv is None else list(argv))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    return args, out


def run_script(main: Callable[[], None]) -> None:
    """Run an analysis script's ``main``: a user error (no such sweep folder, no complete
    job, a damaged folder) is one line, ``analyze.py: error: ...``, and exit status 2."""
    try:
        main()
    except (SweepError, FileNotFoundError, OutputError, ConfigError) as exc:
        print(f"{Path(sys.argv[0]).name}: error: {exc}", file=sys.stderr)
        sys.exit(2)

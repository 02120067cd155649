"""The ``akimsim`` command: a Hydra run or sweep, or a subcommand.

``akimsim [overrides...]`` runs one simulation from ``configs/config.yaml`` and
``akimsim -m ...`` a sweep, one job per combination, with any Hydra launcher
(:mod:`akimsim.edge.hydra`). ``akimsim collect SWEEP_DIR`` gathers a sweep's job folders
into one table per kind (:mod:`akimsim.edge.sweep`); ``akimsim dashboard`` serves the
interactive page (:mod:`akimsim.edge.dashboard`); ``akimsim validate`` compares the model
with observed figures (:mod:`akimsim.edge.validate`) and ``akimsim calibrate`` fits
behavioural parameters to them (:mod:`akimsim.edge.calibrate`); ``akimsim sensitivity``
screens and decomposes the headline findings' dependence on the assumptions
(:mod:`akimsim.edge.sensitivity`). Subcommands are read by argparse
before Hydra sees the command line. ``akimsim --help`` lists them with an example each;
``akimsim --hydra-help`` gives Hydra's own help.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def _collect_command(argv: Sequence[str]) -> int:
    from akimsim.edge import sweep
    from akimsim.edge.hydra import planned_jobs

    parser = argparse.ArgumentParser(
        prog="akimsim collect",
        description="Gather the job folders of a sweep (akimsim -m ...) into one table per "
                    "kind, with each job's overrides as columns. Writes <out>/<table>.parquet "
                    "for the complete jobs, and jobs.parquet and jobs.csv listing every job "
                    "with its status and error.",
        epilog="Exit status: 0 when every job is complete, 1 when some failed or are "
               "incomplete (the complete ones are still collected), 2 on bad input.")
    parser.add_argument("sweep_dir", metavar="MULTIRUN_DIR", type=Path,
                        help="the sweep folder (hydra.sweep.dir): multirun.yaml and one "
                             "folder per job")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write the tables (default: MULTIRUN_DIR/collected)")
    parser.add_argument("--tables", default="summary",
                        help=f"comma-separated tables to collect, of {','.join(sweep.TABLES)} "
                             "(default: summary)")
    parser.add_argument("--partial-ok", action="store_true",
                        help="exit 0 even when some jobs failed or are incomplete")
    parser.add_argument("--no-checksums", action="store_true",
                        help="check file sizes only, not SHA-256 checksums (faster)")
    args = parser.parse_args(list(argv))
    tables = [t.strip() for t in args.tables.split(",") if t.strip()]
    out = args.out if args.out is not None else args.sweep_dir / "collected"
    try:
        frames = sweep.collect(args.sweep_dir, tables, out=out,
                               verify_checksums=not args.no_checksums,
                               planned=planned_jobs(args.sweep_dir))
    except sweep.SweepError as exc:
        print(f"akimsim collect: error: {exc}", file=sys.stderr)
        return 2
    jobs = frames["jobs"]
    print(sweep.report(jobs, args.sweep_dir))
    written = [f"{t}.parquet ({len(frames[t])} rows)" for t in tables if t in frames]
    if not written:
        print("no complete job: no table written")
    print(f"wrote to {out}: {', '.join([*written, 'jobs.parquet', 'jobs.csv'])}")
    if (jobs["status"] == "complete").all() or args.partial_ok:
        return 0
    return 1


def _dashboard_command(argv: Sequence[str]) -> int:
    """``akimsim dashboard [--port N] [--host H] [--no-browser]`` (akimsim.edge.dashboard)."""
    from akimsim.edge import dashboard

    return dashboard.main(list(argv))


def _validate_command(argv: Sequence[str]) -> int:
    """``akimsim validate ...`` (akimsim.edge.validate)."""
    from akimsim.edge import validate

    return validate.run(argv)


def _calibrate_command(argv: Sequence[str]) -> int:
    """``akimsim calibrate ...`` (akimsim.edge.calibrate)."""
    from akimsim.edge import calibrate

    return calibrate.run(argv)


def _sensitivity_command(argv: Sequence[str]) -> int:
    """``akimsim sensitivity ...`` (akimsim.edge.sensitivity)."""
    from akimsim.edge import sensitivity

    return sensitivity.run(argv)


def _compare_command(argv: Sequence[str]) -> int:
    """``akimsim compare ...`` (akimsim.edge.compare)."""
    from akimsim.edge import compare

    return compare.compare_main(argv)


def _report_command(argv: Sequence[str]) -> int:
    """``akimsim report DIR`` (akimsim.edge.compare)."""
    from akimsim.edge import compare

    return compare.report_main(argv)


def _glossary_command(argv: Sequence[str]) -> int:
    """``akimsim glossary [--markdown]`` (akimsim.glossary)."""
    from akimsim import glossary

    return glossary.main(list(argv))


#: the config groups whose presets ``akimsim scenarios`` lists, in this order
PRESET_GROUPS = ("scenario", "experiment", "regimes", "territory", "behaviour", "rule",
                 "sweep")


def preset_summary(path: Path, width: int = 100) -> str:
    """The first sentence of a preset's header comment (its first paragraph, ``# @package``
    lines skipped), cut to ``width`` characters; "(no description)" if it has none."""
    paragraph: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        if body and not body.startswith("@package"):
            paragraph.append(body)
        elif paragraph and not body:
            break
    text = " ".join(paragraph)
    end = text.find(". ")
    first = text[:end + 1] if end >= 0 else text
    if not first:
        return "(no description)"
    return first if len(first) <= width else first[:width - 3].rstrip() + "..."


def scenarios_text(config_dir: Path) -> str:
    """``akimsim scenarios``: every preset of :data:`PRESET_GROUPS`, one line each."""
    lines = []
    for group in PRESET_GROUPS:
        files = sorted((config_dir / group).glob("*.yaml"))
        if not files:
            continue
        how = f"akimsim -m +{group}=NAME" if group == "sweep" else f"{group}=NAME"
        lines += [f"{group} ({how}):"]
        width = max(len(f.stem) for f in files)
        lines += [f"  {f.stem:<{width}}  {preset_summary(f, max(40, 96 - width))}"
                  for f in files]
        lines.append("")
    lines.append("Several presets in one sweep: akimsim -m scenario=kazakhstan,uzbekistan")
    return "\n".join(lines)


def _scenarios_command(argv: Sequence[str]) -> int:
    """``akimsim scenarios``: the shipped presets with one line each."""
    from akimsim.edge.hydra import CONFIG_DIR

    parser = argparse.ArgumentParser(
        prog="akimsim scenarios",
        description="List the shipped presets (scenarios, experiments, regime timelines, "
                    "territories, behaviour, voting rules, sweeps) with one line each: "
                    "the first sentence of each file's header comment.")
    parser.parse_args(list(argv))
    print(scenarios_text(Path(CONFIG_DIR)))
    return 0


#: subcommands handled before Hydra sees the command line (``akimsim NAME ...``)
SUBCOMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "collect": _collect_command,
    "dashboard": _dashboard_command,
    "validate": _validate_command,
    "calibrate": _calibrate_command,
    "sensitivity": _sensitivity_command,
    "scenarios": _scenarios_command,
    "glossary": _glossary_command,
    "compare": _compare_command,
    "report": _report_command,
}


#: what ``akimsim --help`` lists: (name, what it does, one example)
HELP_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("run", "one simulation, or a sweep with -m (\"run\" may be left out)",
     "akimsim run territory=kazakhstan_sample regimes.rural=direct seed=3"),
    ("collect", "gather a sweep's job folders into one table per kind",
     "akimsim collect multirun/regime_comparison --tables summary,contests"),
    ("compare", "a baseline and scenarios on paired seeds: a report of what changes",
     "akimsim compare territory=kazakhstan_sample --scenario \"regimes.rural=appointment\" "
     "--seeds 5 --out results/cmp"),
    ("report", "the report of a compare folder or of any finished sweep, again",
     "akimsim report results/cmp --years 2021-2030"),
    ("validate", "observed figures against the model's, with intervals",
     "akimsim validate territory.scale=0.1 --seeds 10"),
    ("calibrate", "fit behavioural parameters to the calibration targets (SMM)",
     "akimsim calibrate territory.scale=0.1 --params behaviour --seeds 8 --budget 3600"),
    ("sensitivity", "Morris and Sobol indices of the experiments' headline findings",
     "akimsim sensitivity --trajectories 6 --samples 16 --seeds 2"),
    ("dashboard", "the interactive page in a browser",
     "akimsim dashboard --port 8521"),
    ("scenarios", "the shipped presets (scenarios, experiments, timelines...), a line each",
     "akimsim scenarios"),
    ("glossary", "every measure's name, meaning, formula and origin (emerges or assumed)",
     "akimsim glossary"),
)


def help_text() -> str:
    """``akimsim --help``: the subcommands with one line and one example each."""
    width = max(len(name) for name, _, _ in HELP_COMMANDS)
    lines = ["usage: akimsim [SUBCOMMAND] [ARGS...]   or   akimsim [-m] [OVERRIDE...]", "",
             "Simulates how Kazakhstan chooses its akims (appointment, election by the "
             "maslikhat,", "direct election) and what that does to local democracy.", "",
             "subcommands:"]
    for name, what, example in HELP_COMMANDS:
        lines += [f"  {name:<{width}}  {what}", f"  {'':<{width}}  e.g. {example}"]
    lines += ["",
              "Each subcommand has its own --help (akimsim validate --help).",
              "A run is configured by Hydra overrides (configs/config.yaml; README, "
              "'Configuring a run'):",
              "  akimsim --cfg job            print the composed config",
              "  akimsim --hydra-help         Hydra's own help: the config groups and "
              "their options (also akimsim run --help)",
              "  akimsim --debug ...          a traceback instead of a one-line error"]
    return "\n".join(lines)


def _stop(signum: int, frame: Any) -> None:
    """SIGTERM ends a run as Ctrl-C does: locks released, workers stopped."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> None:
    """Console script ``akimsim``: a subcommand, or a Hydra run or sweep.

    A user error (a bad config value or key, a broken territory table, an output folder
    that cannot be used, a bad environment variable, a failed sweep job) is reported in
    one line with exit status 2; ``--debug`` (or ``HYDRA_FULL_ERROR=1``) shows the
    traceback instead. Anything else is a bug and keeps its traceback.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SUBCOMMANDS:
        sys.exit(SUBCOMMANDS[args[0]](args[1:]))
    if args and args[0] in ("-h", "--help"):
        print(help_text())
        sys.exit(0)
    if args and args[0] == "run":  # ``akimsim run ...`` is ``akimsim ...``; its --help is Hydra's
        args = args[1:]
    # Hydra's own help (its 200-line listing of the config groups) behind its own flag
    args = ["--help" if a == "--hydra-help" else a for a in args]
    debug = "--debug" in args or os.environ.get("HYDRA_FULL_ERROR", "") == "1"
    args = [a for a in args if a != "--debug"]
    os.environ["HYDRA_FULL_ERROR"] = "1"  # Hydra raises; akimsim says what went wrong
    if debug:
        os.environ["AKIMSIM_DEBUG"] = "1"
    logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO
    # Hydra logs "Error executing job with overrides: ..." before raising; akimsim says it
    logging.getLogger("hydra.core.utils").setLevel(logging.CRITICAL)
    from akimsim.edge import lifecycle
    from akimsim.edge.hydra import explain, hydra_main, show_config_warnings

    show_config_warnings()
    lifecycle.mark_owner()  # a sweep's workers end with this process
    signal.signal(signal.SIGTERM, _stop)
    # Ctrl-C (SIGINT) interrupts even when the shell started akimsim in the background,
    # where SIGINT is ignored by default
    signal.signal(signal.SIGINT, signal.default_int_handler)

    sys.argv = [sys.argv[0], *args]  # what @hydra.main parses
    try:
        hydra_main()
    except KeyboardInterrupt:
        print("akimsim: interrupted; complete results stay, the rest is redone next time",
              file=sys.stderr)
        sys.exit(130)
    except Exception as exc:
        message = None if debug else explain(exc)
        if message is None:
            raise
        sweep = " a sweep job failed (the other jobs ran; `akimsim collect SWEEP_DIR` lists " \
            "them):" if any(a in ("-m", "--multirun") for a in args) else ""
        print(f"akimsim: error:{sweep} {message}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()

"""What the analysis subcommands (``validate``, ``calibrate``, ``sensitivity``) share:
the ``--backend`` option, bad input in one line with exit status 2, and an interruption
that says how to resume."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from akimsim.replicas import BACKENDS


def add_backend(parser: argparse.ArgumentParser) -> None:
    """``--backend``: where the workers run (:data:`akimsim.replicas.BACKENDS`)."""
    parser.add_argument("--backend", choices=BACKENDS, default="processes",
                        help="where the workers run: local processes (default) or Ray "
                             "(the cluster of RAY_ADDRESS, else a local Ray)")


def guarded(prog: str, body: Callable[[], int], errors: tuple[type[BaseException], ...],
            resume: Path | None = None) -> int:
    """Run ``body``: an exception of ``errors`` (or a Hydra error the edge can explain)
    prints ``PROG: error: ...`` and gives 2; Ctrl-C gives 130 and, with ``resume``,
    says that running the same command again resumes from that file."""
    from akimsim.edge.hydra import explain

    try:
        return body()
    except errors as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        where = f"; the evaluations so far are in {resume}: run the same command to " \
                f"resume" if resume is not None else ""
        print(f"{prog}: interrupted{where}", file=sys.stderr)
        return 130
    except Exception as exc:
        message = explain(exc)
        if message is None:
            raise
        print(f"{prog}: error: {message}", file=sys.stderr)
        return 2

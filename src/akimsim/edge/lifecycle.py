"""Processes that end with the run that started them.

``akimsim`` marks itself as the owner of a run (:func:`mark_owner`: its host and process
id in :data:`OWNER_ENV`, inherited by every process it starts). A sweep's job in a
worker process (joblib's loky workers, Ray's workers) and the dashboard's server call
:func:`watch_owner`, which ends the process within about 3 s of the owner's end, however
the owner ended (SIGKILL included). A job ended that way leaves no partial result: a
result folder without its manifest is incomplete and is redone on the next run.
"""

from __future__ import annotations

import _thread
import os
import runpy
import socket
import sys
import threading
import time
from collections.abc import Sequence

OWNER_ENV = "AKIMSIM_OWNER"
_watching: list[int] = []


def mark_owner() -> None:
    """Make this process the owner of the processes it starts (see :func:`watch_owner`)."""
    os.environ[OWNER_ENV] = f"{socket.gethostname()}:{os.getpid()}"


def _owner() -> int | None:
    """The owner's process id when it runs on this host and is not this process."""
    host, _, pid = os.environ.get(OWNER_ENV, "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return None
    return int(pid)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def watch_owner(interval: float = 0.5) -> bool:
    """End this process soon after the owner of the run is gone: interrupted as by
    Ctrl-C (so locks and temporary files are cleaned up), then ended (exit status 1)
    2 s later if it has not stopped by itself.

    Does nothing in the owner itself, on another host, or when no owner is marked;
    returns whether a watch runs (one per process).
    """
    pid = _owner()
    if pid is None:
        return False
    if pid in _watching:
        return True
    _watching.append(pid)

    def watch() -> None:
        while not _gone(pid):
            time.sleep(interval)
        # stop the work as Ctrl-C would (locks released, temporary files removed), and
        # end the process for good if it does not stop soon (e.g. inside a kernel)
        _thread.interrupt_main()
        time.sleep(2.0)
        os._exit(1)

    threading.Thread(target=watch, name="akimsim-owner-watch", daemon=True).start()
    return True


def run_module_watched(module: str, argv: Sequence[str]) -> None:
    """Run ``python -m module argv...`` in this process under :func:`watch_owner` (the
    dashboard starts its server this way: ``python -m akimsim.edge.lifecycle MODULE ...``)."""
    watch_owner()
    sys.argv = [module, *argv]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    run_module_watched(sys.argv[1], sys.argv[2:])

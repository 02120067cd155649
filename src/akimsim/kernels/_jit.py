"""The one place that sets Numba compile flags.

Kernels use :data:`kernel` (parallel over contests or units) and small helpers use
:data:`helper`; a test checks that no other module calls ``numba.njit`` itself.
``cache=True`` writes compiled code next to the sources so a second process starts
fast. ``fastmath`` stays off: results must be bit-identical across thread counts
and machines of one kind.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

import numba

kernel = numba.njit(parallel=True, cache=True, nogil=True, fastmath=False, error_model="numpy")
helper = numba.njit(cache=True, nogil=True, fastmath=False, inline="always", error_model="numpy")


def balanced() -> AbstractContextManager[None]:
    """Run ``prange`` loops with dynamic scheduling (chunks of one iteration).

    Units and contests differ in size by orders of magnitude (a village against
    Almaty), so static halves leave one thread idle; a chunk of one lets each thread
    take the next unit when it is free. Results do not depend on it.
    """
    return numba.parallel_chunksize(1)


def set_threads(n: int) -> int:
    """Run the kernels on ``n`` threads (clipped to 1 .. the Numba ceiling); returns the
    number set. Results do not depend on it."""
    ceiling = int(getattr(numba.config, "NUMBA_NUM_THREADS", 1))
    threads = max(1, min(int(n), ceiling))
    numba.set_num_threads(threads)
    return threads

"""Lots: each candidate's priority drawn before the count, and ties recorded as data.

A contest's lots come from the counter-based generator keyed by its lot key
(:func:`akimsim.kernels.lot_priority`), so the kernels and these functions settle a tie
the same way: the tied candidate with the higher lot wins, the lower one is eliminated.
"""

from __future__ import annotations

import numpy as np

from akimsim.config import TieStage
from akimsim.elections.box import TieBreak
from akimsim.kernels import lot_priority


def lot_priorities(lot_key: np.uint64, n: int) -> np.ndarray:
    """The lots of a contest's ``n`` candidates (float64[n]); higher wins a tie."""
    return np.array([lot_priority(np.uint64(lot_key), k) for k in range(n)])


def tie_from_mask(mask: np.ndarray, lot_key: np.uint64, *, round: int, stage: TieStage,
                  chosen: int) -> TieBreak | None:
    """The tie a kernel marked in ``mask`` (bool[K]), or None when fewer than two slots
    are marked."""
    tied = np.flatnonzero(mask)
    if tied.shape[0] < 2:
        return None
    lots = lot_priorities(lot_key, int(tied[-1]) + 1)[tied]
    return TieBreak(round, stage, tuple(int(t) for t in tied), tuple(float(v) for v in lots),
                    (int(chosen),))


def pick_best(values: np.ndarray, lot_key: np.uint64, candidates: np.ndarray | None = None,
              *, round: int = 1, stage: TieStage = TieStage.winner
              ) -> tuple[int, TieBreak | None]:
    """Slot with the largest value (among ``candidates``), ties settled by the lot.

    Returns (slot, the tie or None); (-1, None) when there is nothing to pick from.
    """
    slots = np.arange(values.shape[0]) if candidates is None else np.asarray(candidates)
    if slots.shape[0] == 0:
        return -1, None
    top = values[slots].max()
    tied = slots[values[slots] == top]
    if tied.shape[0] == 1:
        return int(tied[0]), None
    lots = lot_priorities(lot_key, values.shape[0])
    pick = int(tied[np.argmax(lots[tied])])
    return pick, TieBreak(round, stage, tuple(int(t) for t in tied),
                          tuple(float(lots[t]) for t in tied), (pick,))

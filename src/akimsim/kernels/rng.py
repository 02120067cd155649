"""The counter-based generator every kernel draws from, and the one table of its channels.

A draw is a pure function of (key, row, channel): a uint64 ``key`` names the purpose and
the year and unit it belongs to (derived from the run's seed by
:class:`akimsim.streams.Streams`), ``row`` is the voter's global row (or a candidate's
slot) and ``channel`` says which of that row's draws it is. The numbers therefore do not
depend on the thread count, the schedule or the order in which contests are batched.
The generator is SplitMix64's finaliser applied twice; ``tests/naive.py`` has it in plain
Python.

Channels, by key (two draws of one key never share a channel):

==================  ===========================  ======================================
key                 channel                      draw
==================  ===========================  ======================================
population (run)    :data:`VOTER_POSITION` + 0/1  ideal point, x and y (Box-Muller)
population (run)    :data:`VOTER_TRAITS` + 0/1    attachment strength and turnout
                                                 propensity (Box-Muller)
population (run)    :data:`VOTER_PARTY`           which party the voter is attached to
ballots (contest)   0 .. R-1 (:data:`RANK_PICK`)   the r-th pick of a voter's ranking
                                                 (r = 0 is the single-mark choice)
ballots (contest)   :data:`RUNOFF_CHANNEL`        whether a first-round voter returns
ballots (contest)   :data:`TURNOUT_CHANNEL`       whether the voter turns out
lots (contest)      :data:`LOT_CHANNEL`           a candidate's lot priority (row = slot)
==================  ===========================  ======================================
"""

from __future__ import annotations

import numpy as np

from akimsim.kernels._jit import helper

VOTER_POSITION = np.uint64(1)  # and VOTER_POSITION + 1
VOTER_TRAITS = np.uint64(3)  # and VOTER_TRAITS + 1
VOTER_PARTY = np.uint64(5)
RANK_PICK = np.uint64(0)  # channel of the first pick; the r-th pick uses RANK_PICK + r
RUNOFF_CHANNEL = np.uint64(0xFFFE)
TURNOUT_CHANNEL = np.uint64(0xFFFF)
LOT_CHANNEL = np.uint64(0x10715)

#: the table above as data: name -> (key, first channel, number of channels)
CHANNELS: dict[str, tuple[str, int, int]] = {
    "voter position": ("population", int(VOTER_POSITION), 2),
    "voter strength and turnout propensity": ("population", int(VOTER_TRAITS), 2),
    "voter party": ("population", int(VOTER_PARTY), 1),
    "ranking picks": ("ballots", int(RANK_PICK), 127),  # rankings are int8: at most 127
    "runoff return": ("ballots", int(RUNOFF_CHANNEL), 1),
    "turnout": ("ballots", int(TURNOUT_CHANNEL), 1),
    "lot priority": ("lots", int(LOT_CHANNEL), 1),
}

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_C3 = np.uint64(0xD1B54A32D192ED03)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TWO_M53 = 1.0 / 9007199254740992.0


@helper
def mix64(z: np.uint64) -> np.uint64:
    """SplitMix64 finaliser: a bijective scramble of 64 bits."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@helper
def uniform01(key: np.uint64, row: int, channel: np.uint64) -> float:
    """A uniform number in (0, 1) determined by (key, row, channel) alone."""
    z = mix64(key + np.uint64(row) * _GOLDEN)
    z = mix64(z ^ (channel * _C3 + _GOLDEN))
    return (float(z >> _S11) + 0.5) * _TWO_M53


@helper
def normal_pair(key: np.uint64, row: int, channel: np.uint64) -> tuple[float, float]:
    """Two independent standard normal draws (Box-Muller on channels ``channel`` and
    ``channel + 1``)."""
    radius = np.sqrt(-2.0 * np.log(uniform01(key, row, channel)))
    angle = 2.0 * np.pi * uniform01(key, row, channel + np.uint64(1))
    return radius * np.cos(angle), radius * np.sin(angle)


@helper
def lot_priority(key: np.uint64, slot: int) -> float:
    """The lot drawn for candidate ``slot`` before the count: higher wins a tie."""
    return uniform01(key, slot, LOT_CHANNEL)

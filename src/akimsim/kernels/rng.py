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
population (run)    :data:`VOTER_POSITION` + 0/1  ideal point, x and y (one normal
                                                 quantile each, :func:`normal01`)
population (run)    :data:`VOTER_TRAITS` + 0/1    attachment strength and turnout
                                                 propensity (:func:`normal01`)
population (run)    :data:`VOTER_PARTY`           which party the voter is attached to
ballots (contest)   0 .. R-1 (:data:`RANK_PICK`)   the r-th pick of a voter's ranking
                                                 (r = 0 is the single-mark choice)
ballots (contest)   :data:`RUNOFF_CHANNEL`        whether a first-round voter returns
ballots (contest)   :data:`TURNOUT_CHANNEL`       whether the voter turns out
lots (contest)      :data:`LOT_CHANNEL`           a candidate's lot priority (row = slot)
candidates (post)   :data:`STAND`                 whether the incumbent stands (row 0)
candidates (post)   :data:`PARTY_NOMINATES`       whether party p nominates (row p)
candidates (post)   :data:`SELF_COUNT`            how many would self-nominate (row 0)
candidates (post)   :data:`REACH`                 a self-nominee's signature reach
candidates (post)   :data:`TRAIT` + 0..3          platform x, y, competence, loyalty
candidates (post)   :data:`REJECT`                whether the commission rejects
candidates (post)   :data:`POOL_PARTY`            a shortlisted newcomer's party
candidates (post)   :data:`SELF_STAND`            whether a would-be self-nominee stands
                                                 (strategic entry)
candidates (post)   :data:`RENOMINATE` + 0/1      the appointer's noise on the sitting
                                                 akim (row 0) and the party's fresh
                                                 nominee (row 1) at a renomination
candidates (post)   :data:`TECHNICAL`             whether a technical candidate is added
                                                 (row 0)
appointers (post)   :data:`APPOINTER_NOISE` + 0/1  the appointer's noise (row = slot)
appointers (post)   :data:`SCREEN` + 0/1           the appointer's screening noise on a
                                                 newcomer's competence and loyalty (row
                                                 = slot)
appointers (post)   :data:`COUNCIL_ROUND` + 2(r-1)  a deputy's noise in round r (row =
                                                 deputy x slots + slot)
appointers (post)   :data:`CONSENT` + 2i          a deputy's noise on proposal i (row =
                                                 deputy)
council (unit)      :data:`DEPUTY_VOTER`          which voter a deputy stands where (row =
                                                 seat)
council (unit)      :data:`DEPUTY_SEAT`           which party a seat goes to (row = seat)
council lots (post) :data:`CLERK` + r             the clerk's draw in round r (row 0)
council lots (post) :data:`CUT_DRAW`              a candidate's draw at the cut (row =
                                                 slot)
==================  ===========================  ======================================

Rows of the candidates key: a party's nominee is row p (its party index), the i-th
would-be self-nominee row ``SELF_ROW + i``, a shortlist's i-th newcomer row i, a
technical candidate :data:`TECHNICAL_ROW` and the incumbent :data:`INCUMBENT_ROW`, so a
person's draws do not depend on who else came forward.
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
STAND = np.uint64(0x20)
PARTY_NOMINATES = np.uint64(0x21)
SELF_COUNT = np.uint64(0x22)
REACH = np.uint64(0x23)
TRAIT = np.uint64(0x24)  # 0x24..0x27: two Box-Muller pairs (entry)
REJECT = np.uint64(0x28)
POOL_PARTY = np.uint64(0x29)
SELF_STAND = np.uint64(0x2A)
RENOMINATE = np.uint64(0x2B)  # and 0x2C
TECHNICAL = np.uint64(0x2D)
APPOINTER_NOISE = np.uint64(0x30)  # and 0x31
SCREEN = np.uint64(0x40)  # and 0x41
COUNCIL_ROUND = np.uint64(0x32)  # round r: 0x32 + 2 (r - 1) and the next
CONSENT = np.uint64(0x100)  # proposal i < 64: 0x100 + 2 i and the next
NOMINEES = np.uint64(0x180)
CONSENT_CHOICE = np.uint64(0x190)  # and 0x191
CLERK = np.uint64(0x200)  # round r < 8: 0x200 + r
CUT_DRAW = np.uint64(0x210)
DEPUTY_VOTER = np.uint64(0x300)
DEPUTY_SEAT = np.uint64(0x301)
SAMPLE_CHANNEL = np.uint64(0x302)
LIST_DEPUTY = np.uint64(0x303)  # and 0x304
#: rows of the candidates key (see the module docstring)
SELF_ROW = 1 << 16
TECHNICAL_ROW = 1 << 24
INCUMBENT_ROW = (1 << 32) - 1

#: the table above as data: name -> (key, first channel, number of channels)
CHANNELS: dict[str, tuple[str, int, int]] = {
    "voter position": ("population", int(VOTER_POSITION), 2),
    "voter strength and turnout propensity": ("population", int(VOTER_TRAITS), 2),
    "voter party": ("population", int(VOTER_PARTY), 1),
    "ranking picks": ("ballots", int(RANK_PICK), 127),  # rankings are int8: at most 127
    "runoff return": ("ballots", int(RUNOFF_CHANNEL), 1),
    "turnout": ("ballots", int(TURNOUT_CHANNEL), 1),
    "lot priority": ("lots", int(LOT_CHANNEL), 1),
    "incumbent stands": ("candidates", int(STAND), 1),
    "party nominates": ("candidates", int(PARTY_NOMINATES), 1),
    "self-nominee count": ("candidates", int(SELF_COUNT), 1),
    "signature reach": ("candidates", int(REACH), 1),
    "candidate traits": ("candidates", int(TRAIT), 4),
    "registration rejected": ("candidates", int(REJECT), 1),
    "shortlist party": ("candidates", int(POOL_PARTY), 1),
    "self-nominee stands": ("candidates", int(SELF_STAND), 1),
    "renomination noise": ("candidates", int(RENOMINATE), 2),
    "technical candidate": ("candidates", int(TECHNICAL), 1),
    "appointer noise": ("appointers", int(APPOINTER_NOISE), 2),
    "screening noise": ("appointers", int(SCREEN), 2),
    "deputies' noise, rounds 1-4": ("appointers", int(COUNCIL_ROUND), 8),
    "deputies' consent noise, proposals 0-63": ("appointers", int(CONSENT), 128),
    "nominees per post": ("appointers", int(NOMINEES), 1),
    "deputies' noise in a consent choice": ("appointers", int(CONSENT_CHOICE), 2),
    "clerk's lot, rounds 0-7": ("council lots", int(CLERK), 8),
    "lot at the cut": ("council lots", int(CUT_DRAW), 1),
    "deputy's voter": ("council", int(DEPUTY_VOTER), 1),
    "deputy's party": ("council", int(DEPUTY_SEAT), 1),
    "counted council ballots": ("council day", int(SAMPLE_CHANNEL), 1),
    "list deputy's position": ("council list seats", int(LIST_DEPUTY), 2),
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


# Acklam's rational approximation of the standard normal quantile (P. J. Acklam, "An
# algorithm for computing the inverse normal cumulative distribution function", 2003):
# relative error below 1.15e-9 on (0, 1), one uniform per normal and no trigonometry
_A = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
_B = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
      6.680131188771972e+01, -1.328068155288572e+01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
      3.754408661907416e+00)
_P_LOW = 0.02425


@helper
def normal_quantile(p: float) -> float:
    """The standard normal quantile of ``p`` in (0, 1) (Acklam's approximation)."""
    if p < _P_LOW or p > 1.0 - _P_LOW:
        q = np.sqrt(-2.0 * np.log(p if p < _P_LOW else 1.0 - p))
        z = ((((((_C[0] * q + _C[1]) * q + _C[2]) * q + _C[3]) * q + _C[4]) * q + _C[5])
             / ((((_D[0] * q + _D[1]) * q + _D[2]) * q + _D[3]) * q + 1.0))
        return z if p < _P_LOW else -z
    q = p - 0.5
    r = q * q
    return ((((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5]) * q
            / (((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1.0))


@helper
def normal01(key: np.uint64, row: int, channel: np.uint64) -> float:
    """A standard normal draw determined by (key, row, channel): the quantile of one
    uniform (:func:`normal_quantile`)."""
    return normal_quantile(uniform01(key, row, channel))


@helper
def lot_priority(key: np.uint64, slot: int) -> float:
    """The lot drawn for candidate ``slot`` before the count: higher wins a tie."""
    return uniform01(key, slot, LOT_CHANNEL)


# ---------------------------------------------------------------- the same draws, in NumPy
#
# Code outside the kernels (candidate entry, appointers' and deputies' noise, lots) draws
# from the same generator over whole arrays at once: ``uniforms(key, row, channel)`` equals
# ``uniform01`` element by element (``tests/test_batches.py`` checks it), and keys are
# derived from a purpose's root by :func:`derive_keys`, never by a SeedSequence per draw.


def mix64_array(z: np.ndarray) -> np.ndarray:
    """:func:`mix64` over a uint64 array (wrapping arithmetic)."""
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


def _u64(value: object) -> np.ndarray:
    return np.atleast_1d(np.asarray(value)).astype(np.uint64)


def uniforms(key: object, row: object, channel: object) -> np.ndarray:
    """Uniform numbers in (0, 1): :func:`uniform01` broadcast over ``key``, ``row`` and
    ``channel`` (arrays or scalars; the result has at least one dimension)."""
    with np.errstate(over="ignore"):
        z = mix64_array(_u64(key) + _u64(row) * _GOLDEN)
        z = mix64_array(z ^ (_u64(channel) * _C3 + _GOLDEN))
    return ((z >> _S11).astype(np.float64) + 0.5) * _TWO_M53


def normals(key: object, row: object, channel: object) -> tuple[np.ndarray, np.ndarray]:
    """Two arrays of independent standard normals (:func:`normal_pair` broadcast)."""
    radius = np.sqrt(-2.0 * np.log(uniforms(key, row, channel)))
    angle = 2.0 * np.pi * uniforms(key, row, _u64(channel) + np.uint64(1))
    return radius * np.cos(angle), radius * np.sin(angle)


def derive_keys(root: object, *parts: object) -> np.ndarray:
    """Keys derived from ``root`` by integer parts (year, unit, ...; scalars or arrays,
    broadcast): each part is folded in by a bijective scramble, so distinct parts under one
    prefix give distinct keys. Cheap key arithmetic, no SeedSequence."""
    with np.errstate(over="ignore"):
        z = _u64(root)
        for i, part in enumerate(parts):
            salt = np.uint64(i + 1) * _C3
            z = mix64_array(z ^ mix64_array((_u64(part) + np.uint64(1)) * _GOLDEN + salt))
    return z

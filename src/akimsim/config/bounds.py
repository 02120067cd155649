"""The range of every number in the schema, declared once beside its field.

A field of :mod:`akimsim.config.schema` takes its default from one of the constructors
below (``share(0.11)``, ``at_least(0.7, 0)``, ``whole(4, 1, 20)``, ...), which records a
:class:`Bounds` in the field's metadata. :func:`akimsim.config.validate.validate` walks
every field of a config and checks each number against its bounds, so a new field is
covered without writing a new check. Every float must be finite (NaN and infinities are
refused) unless its bounds say that ``-inf`` has a meaning; every integer must fit in
int64.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class Bounds:
    """Where a number may lie: ``lo``/``hi`` (None: unbounded), open or closed ends,
    whether it must be whole, whether ``-inf`` is allowed, and how to say it."""

    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    integer: bool = False
    neg_inf: bool = False  # -inf is a meaningful value (e.g. "no such line on the ballot")
    what: str = ""  # what the number is, for messages ("a probability", ...)
    note: str = ""  # why the range is what it is ("the legal cap"), for messages

    def admits(self, value: Any) -> bool:
        """Whether ``value`` lies within these bounds (None is not a number: False)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if self.integer and not isinstance(value, int):
            return False
        if isinstance(value, float) and math.isnan(value):
            return False
        if value == -math.inf and self.neg_inf:
            return True
        if isinstance(value, float) and math.isinf(value):
            return False
        if self.integer and not -INT64_MAX - 1 <= value <= INT64_MAX:
            return False
        if self.lo is not None and (value < self.lo or (self.lo_open and value == self.lo)):
            return False
        return not (self.hi is not None and (value > self.hi
                                             or (self.hi_open and value == self.hi)))

    def describe(self) -> str:
        """The expectation in words, e.g. ``a probability in [0, 1]``."""
        kind = self.what or ("a whole number" if self.integer else "a finite number")
        if self.lo is not None and self.hi is not None:
            left, right = "(" if self.lo_open else "[", ")" if self.hi_open else "]"
            text = f"{kind} in {left}{_num(self.lo)}, {_num(self.hi)}{right}"
        elif self.lo is not None:
            text = f"{kind} {'>' if self.lo_open else '>='} {_num(self.lo)}"
        elif self.hi is not None:
            text = f"{kind} {'<' if self.hi_open else '<='} {_num(self.hi)}"
        else:
            text = kind
        text += ", or -inf" if self.neg_inf else ""
        return f"{text} ({self.note})" if self.note else text


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def bounds_of(metadata: Any) -> Bounds | None:
    """The bounds recorded in a field's metadata, if any."""
    found = metadata.get("bounds") if metadata else None
    return found if isinstance(found, Bounds) else None


def _field(default: Any, bounds: Bounds) -> Any:
    return field(default=default, metadata={"bounds": bounds})


def real(default: float) -> Any:
    """Any finite number."""
    return _field(default, Bounds())


def utility(default: float) -> Any:
    """A finite utility, or -inf for an option that is not on offer."""
    return _field(default, Bounds(neg_inf=True, what="a finite utility"))


def at_least(default: float, lo: float, what: str = "") -> Any:
    """A finite number >= ``lo`` (a standard deviation, a rate, a weight that cannot be
    negative)."""
    return _field(default, Bounds(lo=lo, what=what))


def positive(default: float, what: str = "") -> Any:
    """A finite number > 0."""
    return _field(default, Bounds(lo=0, lo_open=True, what=what))


def share(default: float, what: str = "a share") -> Any:
    """A share or probability in [0, 1]."""
    return _field(default, Bounds(lo=0, hi=1, what=what))


def between(default: float, lo: float, hi: float, *, lo_open: bool = False,
            hi_open: bool = False, what: str = "") -> Any:
    """A finite number in the given interval."""
    return _field(default, Bounds(lo=lo, hi=hi, lo_open=lo_open, hi_open=hi_open, what=what))


def whole(default: int | None, lo: int | None = None, hi: int | None = None,
          what: str = "", note: str = "") -> Any:
    """A whole number within int64 and the given limits (``None`` allowed if the field's
    type allows it)."""
    return _field(default, Bounds(lo=lo, hi=hi, integer=True, what=what, note=note))

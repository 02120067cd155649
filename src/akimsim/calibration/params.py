"""Parameters to calibrate or to vary: a path in the config schema and a range.

A parameter is written ``PATH=LOW:HIGH`` on the command line
(``behaviour.voters.admin_support=0:3``) or as an entry of a parameters file::

    - path: behaviour.voters.admin_support
      low: 0.0
      high: 3.0
      reason: "why this range (a study, a law, or 'assumption')"

:func:`check_params` stops before any run if a path is not a number of the schema or
a range lies outside the values the field accepts; :func:`apply` makes the
configuration of one parameter vector.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from akimsim.config import RunConfig
from akimsim.config.validate import numbers, validate

#: the parameter presets (``--params NAME``): ``NAME.yaml`` here
PARAMS_DIR = Path(__file__).resolve().parent.parent / "data" / "params"


class ParamError(ValueError):
    """A parameter that cannot be calibrated or varied; the message names it."""


@dataclass(frozen=True)
class Param:
    """One parameter: its dotted path in :class:`~akimsim.config.RunConfig`, its range
    and the reason for the range."""

    path: str
    low: float
    high: float
    reason: str = ""
    integer: bool = False

    @property
    def width(self) -> float:
        return self.high - self.low

    def value(self, x: float) -> float | int:
        """``x`` as the field takes it (rounded for a whole-number field)."""
        return round(x) if self.integer else float(x)


_INDEX = re.compile(r"\.(\d+)(?=\.|$)")


def _canonical(path: str) -> str:
    """``behaviour.parties.0.attachment`` and ``behaviour.parties[0].attachment`` alike."""
    return _INDEX.sub(r"[\1]", path.strip())


def schema_numbers(cfg: RunConfig) -> dict[str, Any]:
    """Every number of ``cfg`` by dotted path, with its bounds (None if unbounded)."""
    return {path: (value, bounds) for path, value, bounds in numbers(cfg)}


def _close(path: str, known: Iterable[str]) -> list[str]:
    import difflib

    return difflib.get_close_matches(path, list(known), n=3, cutoff=0.6)


def check_params(params: Sequence[Param], cfg: RunConfig) -> list[Param]:
    """The parameters with canonical paths and their kind (whole or not), checked
    against ``cfg``'s schema: each a number, each range inside the field's bounds and
    not empty, no path twice."""
    known = schema_numbers(cfg)
    out, seen = [], set()
    for p in params:
        path = _canonical(p.path)
        if path not in known:
            close = _close(path, known)
            hint = f"; did you mean {', '.join(close)}?" if close else \
                "; `akimsim calibrate --list-params` lists them"
            raise ParamError(f"parameter {p.path!r} is not a number of the config{hint}")
        if path in seen:
            raise ParamError(f"parameter {path!r} is given twice")
        seen.add(path)
        value, bounds = known[path]
        if not (math.isfinite(p.low) and math.isfinite(p.high)) or p.low >= p.high:
            raise ParamError(f"parameter {path!r}: the range {p.low}:{p.high} must have "
                             f"finite ends with low below high")
        if bounds is not None:
            for end in (p.low, p.high):
                test = int(end) if bounds.integer and float(end).is_integer() else end
                if not bounds.admits(test):
                    raise ParamError(f"parameter {path!r}: the range {p.low}:{p.high} "
                                     f"leaves the field's valid values "
                                     f"({bounds.describe()})")
        integer = bool(bounds is not None and bounds.integer) or (
            isinstance(value, int) and not isinstance(value, bool))
        out.append(Param(path, float(p.low), float(p.high), p.reason, integer))
    return out


def parse_param(text: str) -> Param:
    """``PATH=LOW:HIGH`` as a :class:`Param`."""
    path, eq, rng = text.partition("=")
    low, colon, high = rng.partition(":")
    try:
        if not (eq and colon and path.strip()):
            raise ValueError
        return Param(path.strip(), float(low), float(high))
    except ValueError:
        raise ParamError(f"parameter {text!r}: write PATH=LOW:HIGH, e.g. "
                         f"behaviour.voters.admin_support=0:3") from None


def parse_params_arg(text: str) -> list[Param]:
    """A comma-separated list of ``PATH=LOW:HIGH``."""
    return [parse_param(part) for part in text.split(",") if part.strip()]


def load_params(path: str | Path) -> list[Param]:
    """The parameters of a YAML file (a list of ``path``, ``low``, ``high``, ``reason``, or
    a mapping with a ``params`` list)."""
    p = Path(path)
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ParamError(f"{p}: cannot read the parameters file ({exc.strerror or exc})") \
            from exc
    except yaml.YAMLError as exc:
        raise ParamError(f"{p}: not valid YAML ({exc})") from exc
    if isinstance(raw, Mapping) and "params" in raw:
        raw = raw["params"]
    if not isinstance(raw, list) or not raw:
        raise ParamError(f"{p}: a parameters file is a non-empty list of entries with "
                         f"path, low, high and reason")
    out = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, Mapping) or not {"path", "low", "high"} <= set(entry):
            raise ParamError(f"{p}: entry {i} needs path, low and high (and a reason)")
        extra = sorted(set(map(str, entry)) - {"path", "low", "high", "reason"})
        if extra:
            raise ParamError(f"{p}: entry {i} ({entry['path']!r}): unknown field(s) "
                             f"{', '.join(extra)}; the fields are path, low, high, reason")
        try:
            low, high = float(entry["low"]), float(entry["high"])
        except (TypeError, ValueError):
            raise ParamError(f"{p}: entry {i} ({entry['path']!r}): low and high must be "
                             f"numbers") from None
        out.append(Param(str(entry["path"]), low, high, str(entry.get("reason") or "")))
    return out


def current(params: Sequence[Param], cfg: RunConfig) -> list[float]:
    """The values ``cfg`` gives the parameters."""
    known = schema_numbers(cfg)
    return [float(known[p.path][0]) for p in params]


def _set(obj: Any, path: str, value: Any) -> None:
    parts = [p for p in re.split(r"\.|\[|\]", path) if p]
    for part in parts[:-1]:
        obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
    last = parts[-1]
    if last.isdigit():
        obj[int(last)] = value
    else:
        setattr(obj, last, value)


def apply(cfg: RunConfig, params: Sequence[Param], values: Sequence[float],
          check: bool = True) -> RunConfig:
    """A copy of ``cfg`` with each parameter set to its value (validated)."""
    if len(values) != len(params):
        raise ValueError(f"apply: {len(params)} parameters but {len(values)} values")
    out = copy.deepcopy(cfg)
    for p, v in zip(params, values, strict=True):
        _set(out, p.path, p.value(v))
    if check:
        validate(out)
    return out


def list_params(cfg: RunConfig) -> str:
    """Every number of the schema with its value and valid range, one line each."""
    rows = [(path, value, bounds.describe() if bounds is not None else "a finite number")
            for path, (value, bounds) in schema_numbers(cfg).items()]
    width = max(len(r[0]) for r in rows)
    return "\n".join(f"{path:<{width}}  {value!s:>10}  {what}" for path, value, what in rows)
